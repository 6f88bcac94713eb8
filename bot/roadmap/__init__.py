"""The roadmap: phases, months, steps, resources, projects, certifications, specializations."""
