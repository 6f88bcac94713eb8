"""The Bolt app: the `/cohort` slash command, buttons, modals and the App Home.

Every handler acknowledges first (Slack allows 3 s), then converts the payload, runs one core
command and renders what comes back. Bolt runs each handler in its own task and answers Slack
as soon as `ack()` is called, so the work after it never delays the acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import convert, render, views
from adapters.slack.client import error_code, retry_handlers
from adapters.slack.files import upload_attachment, upload_image
from adapters.slack.memory import EventMemory, RecentEvents
from adapters.slack.users import UserDirectory
from bot.dispatch import Dispatcher
from bot.grammar import quote
from bot.identity import Caller
from bot.replies import Action, ActionStyle, Answer, Form, Reply, Tone

log = logging.getLogger(__name__)

COMMAND = "/cohort"
# What the App Home shows, as command lines run for the member who opens it.
HOME_LINES = ("progress", "profile")
# Buttons on the App Home; those whose command is not in the catalogue are left out.
QUICK_ACTIONS = (
    Action("Check in", "checkin", ActionStyle.PRIMARY),
    Action("Roadmap", "roadmap"),
    Action("My profile", "profile"),
    Action("Help", "help"),
)
BOLT_LOGGER = "adapters.slack.bolt"


class _ClientWinsOnPurpose(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, finds the client Cohort built
    from that same token, and warns at every start that the client wins over the token. That
    is the intent, so the warning is dropped; every other Bolt message passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger(BOLT_LOGGER).addFilter(_ClientWinsOnPurpose())
WORK_SLOTS = 16  # commands worked on at once, after their acknowledgement


# The client Bolt authorised for the request being handled (its workspace's token, with many
# workspaces); handlers run in tasks started under the request, which see it.
_REQUEST_CLIENT: ContextVar[AsyncWebClient | None] = ContextVar("slack_client", default=None)


@dataclass(frozen=True, slots=True)
class _Surface:
    """Where an answer goes: a modal to update in place (`view_id`), a conversation to answer
    through `response_url`, else a new modal (the App Home has neither)."""

    user_id: str
    trigger_id: str | None = None
    response_url: str | None = None
    view_id: str | None = None
    channel_id: str | None = None


class SlackAdapter:
    """The Bolt app wired to the core's dispatcher. `app` is what HTTP or Socket Mode serves."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        client: AsyncWebClient,
        *,
        signing_secret: str | None = None,
        session: aiohttp.ClientSession | None = None,
        home_lines: Sequence[str] = HOME_LINES,
        quick_actions: Sequence[Action] = QUICK_ACTIONS,
        events: EventMemory | None = None,
        oauth: AsyncOAuthSettings | None = None,
    ) -> None:
        self._dispatcher = dispatcher
        self._base_client = client
        self._session = session
        self._home_lines = tuple(home_lines)
        self._quick_actions = tuple(quick_actions)
        self._users = UserDirectory(lambda: self._client)
        self._events = events or RecentEvents()
        self._busy: set[asyncio.Task[Any]] = set()
        self._slots = asyncio.Semaphore(WORK_SLOTS)
        # An empty secret makes Bolt refuse every HTTP request (fail closed); Socket Mode
        # does not sign requests, so it needs none.
        # With `oauth`, each request is authorised with its workspace's install (Bolt finds
        # it in the installation store, rotating its token when due, through the settings'
        # `authorize`: adapters/slack/oauth.py); otherwise with the client's one token.
        self.app = AsyncApp(
            name="cohort",
            client=client,
            signing_secret=signing_secret or "",
            logger=logging.getLogger(BOLT_LOGGER),
            oauth_settings=oauth,
            installation_store=oauth.installation_store if oauth else None,
            # Typed as a function, but Bolt takes an AsyncAuthorize as it is (isinstance).
            authorize=oauth.authorize if oauth else None,  # type: ignore[arg-type]
        )
        self.app.middleware(self._skip_repeated_events)
        self.app.middleware(self._use_request_client)
        self.app.command(COMMAND)(self._on_command)
        self.app.action(re.compile("^" + re.escape(render.ACTION_PREFIX)))(self._on_action)
        self.app.action(re.compile("^" + re.escape(convert.PICK_PREFIX)))(self._on_action)
        self.app.view_submission(views.FORM_CALLBACK)(self._on_submit)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.event("member_joined_channel")(self._on_member_joined)

    @property
    def _client(self) -> AsyncWebClient:
        """The client for the request being handled, authorised for its workspace."""
        return _REQUEST_CLIENT.get() or self._base_client

    async def settle(self) -> None:
        """Wait until the work already acknowledged is done (a clean shutdown, tests)."""
        while self._busy:
            await asyncio.wait(set(self._busy))

    @contextlib.asynccontextmanager
    async def _work(self, acknowledgement: Awaitable[object] | None) -> AsyncIterator[None]:
        """Acknowledge first, then do the work in one of a few slots. Slack needs every
        acknowledgement within 3 s; bounding the work that follows keeps a burst of
        commands from starving the acknowledgements of the next ones (and from queueing on
        the database pool). The task is tracked so `settle` can wait for it."""
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            if acknowledgement is not None:
                await acknowledgement
            async with self._slots:
                yield
        finally:
            if task is not None:
                self._busy.discard(task)

    # --- Handlers ------------------------------------------------------------------------------

    async def _skip_repeated_events(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        # A global middleware: Bolt passes its arguments by name, hence `next`.
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and isinstance(event_id, str)
            and not await self._events.first_time(event_id)
        ):
            log.info("event %s delivered again; already handled", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _use_request_client(
        self, client: AsyncWebClient, next: Callable[[], Awaitable[None]]
    ) -> None:
        _REQUEST_CLIENT.set(client)
        await next()

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        async with self._work(ack()):
            channel_id = body.get("channel_id")
            caller = await self._caller(
                body["team_id"], body["user_id"], body.get("user_name", ""), channel_id
            )
            answer = await self._dispatcher.run_line(
                caller, convert.command_line(body.get("text", ""))
            )
            surface = _Surface(
                user_id=body["user_id"],
                trigger_id=body.get("trigger_id"),
                response_url=body.get("response_url"),
                channel_id=channel_id,
            )
            await self._present(answer, surface)

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        async with self._work(ack()):
            user = body["user"]
            team_id = convert.team_of(body)
            view = body.get("view") or {}
            meta = (
                views.ViewMeta.decode(view.get("private_metadata", ""))
                if view
                else views.ViewMeta()
            )
            channel_id = (body.get("channel") or {}).get("id") or meta.channel_id
            caller = await self._caller(
                team_id, user["id"], user.get("username") or user.get("name", ""), channel_id
            )
            answer = await self._dispatcher.run_line(caller, convert.action_line(action))
            surface = _Surface(
                user_id=user["id"],
                trigger_id=body.get("trigger_id"),
                response_url=body.get("response_url") or meta.response_url,
                view_id=view.get("id") if view.get("type") == "modal" else None,
                channel_id=channel_id,
            )
            await self._present(answer, surface, title=action.get("text", {}).get("text", ""))
            if view.get("type") == "home":
                await self._publish_home(team_id, user["id"])

    async def _on_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        # Keep the modal open, showing progress: a refusal then comes back into the form
        # with what was typed, instead of a message the user has to retype from.
        working = ack(response_action="update", view=views.working(view["title"]))
        async with self._work(working):
            user = body["user"]
            meta = views.ViewMeta.decode(view.get("private_metadata", ""))
            caller = await self._caller(
                convert.team_of(body),
                user["id"],
                user.get("username") or user.get("name", ""),
                meta.channel_id,
            )
            values = convert.submitted_values(view)
            answer = await self._dispatcher.run(caller, meta.command, values)
            if isinstance(answer, Reply) and answer.tone is Tone.ERROR:
                await self._client.views_update(
                    view_id=view["id"], view=views.refused(view, values, answer)
                )
                return
            surface = _Surface(
                user_id=user["id"],
                trigger_id=body.get("trigger_id"),
                response_url=meta.response_url,
                view_id=view["id"],
                channel_id=meta.channel_id,
            )
            await self._present(answer, surface, title=view["title"].get("text", ""))

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self._work(None):  # Bolt acknowledges events itself
            if event.get("tab") == "home":
                await self._publish_home(convert.team_of(body), event["user"])

    async def _on_member_joined(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Cohort invited into a channel: the first time in a workspace, the guided setup is
        posted there (the core keeps it to once per workspace)."""
        async with self._work(None):
            if event.get("user") == context.bot_user_id and event.get("channel"):
                team = convert.community(str(event.get("team") or convert.team_of(body)))
                await self._dispatcher.arrived(team, str(event["channel"]))

    # --- Showing answers -------------------------------------------------------------------

    async def _caller(
        self, team_id: str, user_id: str, fallback_name: str, channel_id: str | None
    ) -> Caller:
        user = await self._users.lookup(team_id, user_id, fallback_name)
        return convert.caller(
            team_id, user_id, user.display_name, is_admin=user.is_admin, channel_id=channel_id
        )

    async def _present(self, answer: Answer, surface: _Surface, title: str = "") -> None:
        if isinstance(answer, Form):
            await self._show_form(answer, surface)
            return
        if answer.image:
            image = answer.image
            await self._share(lambda c: upload_image(self._client, c, image), answer, surface)
        if answer.attachment:
            attachment = answer.attachment
            await self._share(
                lambda c: upload_attachment(self._client, c, attachment), answer, surface
            )
        if surface.view_id:
            meta = views.ViewMeta(channel_id=surface.channel_id, response_url=surface.response_url)
            view = views.result(answer, title or answer.title or "Cohort", meta.encode())
            await self._client.views_update(view_id=surface.view_id, view=view)
            # A modal is seen by one person; a public reply also goes to the conversation.
            if not answer.private and surface.response_url:
                await self._respond(surface.response_url, answer)
        elif surface.response_url:
            await self._respond(surface.response_url, answer)
        else:
            await self._open_result(answer, surface, title)

    async def _show_form(self, form: Form, surface: _Surface) -> None:
        meta = views.ViewMeta(form.command, surface.channel_id, surface.response_url)
        view = views.modal(form, meta.encode())
        try:
            if surface.view_id:
                await self._client.views_update(view_id=surface.view_id, view=view)
            else:
                await self._client.views_open(trigger_id=surface.trigger_id, view=view)
        except SlackApiError as error:
            # Usually an expired trigger (the command took over 3 s): offer a button, whose
            # press brings a fresh trigger and the same form.
            log.warning("could not open the form %s: %s", form.command, error_code(error))
            fallback = _Surface(surface.user_id, response_url=surface.response_url)
            await self._present(_invitation(form), fallback)

    async def _open_result(self, reply: Reply, surface: _Surface, title: str) -> None:
        meta = views.ViewMeta(channel_id=surface.channel_id)
        view = views.result(reply, title or reply.title or "Cohort", meta.encode())
        if surface.trigger_id:
            try:
                await self._client.views_open(trigger_id=surface.trigger_id, view=view)
                return
            except SlackApiError as error:
                log.info("could not open a modal (%s); sending a message", error_code(error))
        message = render.message(reply)
        await self._client.chat_postMessage(
            channel=await self._direct_channel(surface.user_id),
            text=message.text,
            blocks=message.blocks,
        )

    async def _respond(self, response_url: str, reply: Reply) -> None:
        message = render.message(reply)
        webhook = AsyncWebhookClient(
            response_url, session=self._session, retry_handlers=retry_handlers()
        )
        response = await webhook.send_dict(
            {
                "response_type": "ephemeral" if reply.private else "in_channel",
                "replace_original": False,
                "text": message.text,
                "blocks": message.blocks,
            }
        )
        if response.status_code != 200:
            log.warning(
                "response_url refused the reply: %s %s", response.status_code, response.body
            )

    async def _share(
        self, upload: Callable[[str], Awaitable[str]], answer: Reply, surface: _Surface
    ) -> None:
        """A file goes to the channel with a public reply, else to the member's DM (an
        ephemeral reply cannot carry a file)."""
        try:
            if not answer.private and surface.channel_id:
                channel = surface.channel_id
            else:
                channel = await self._direct_channel(surface.user_id)
            await upload(channel)
        except SlackApiError as error:
            log.warning("could not share the file: %s", error_code(error))

    async def _direct_channel(self, user_id: str) -> str:
        response = await self._client.conversations_open(users=user_id)
        return str(response["channel"]["id"])

    async def _publish_home(self, team_id: str, user_id: str) -> None:
        # The App Home shows blocks only: a picture there would be drawn for nothing.
        caller = replace(await self._caller(team_id, user_id, "", None), shows_images=False)
        replies: list[Reply] = []
        for line in self._home_lines:
            answer = await self._dispatcher.run_line(caller, line)
            if isinstance(answer, Reply):
                replies.append(answer)
        catalogue = self._dispatcher.catalogue
        quick = [a for a in self._quick_actions if catalogue.get(a.command.split()[0])]
        await self._client.views_publish(user_id=user_id, view=views.home(replies, quick))


def _invitation(form: Form) -> Reply:
    line = " ".join(
        [*form.command, *(f"{f.name}:{quote(f.value)}" for f in form.fields if f.value.strip())]
    )
    return Reply(
        title=form.title,
        body="Press the button to open the form.",
        actions=(Action("Open the form", line, ActionStyle.PRIMARY),),
    )
