"""Goals: a member's own goals with due dates, listed, ticked off, and reminded when due."""
