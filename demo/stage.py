"""The server the night happens in, and its members acting the way Discord lets users act.

Everyone acts only through the sandbox's interaction API (slash commands, autocomplete, button clicks),
exactly as Discord would deliver them to the bot; every command and the bot's answer go into the
transcript. A command the bot did not answer is recorded as a problem, not raised, so the night goes on
and the report says what went wrong.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from demo import scenario
from demo.markup import Names
from demo.transcript import BOT_NAME, Said, Transcript
from sandbox import MANAGE_GUILD, Attachment, Channel, DiscordSandbox, InteractionReply, Member, Message

_MARKUP = re.compile(r"([\\*_~`<])")
# Commands whose answer waits for the bot's channel writes (announcements, the wrap-up) get longer.
PATIENCE = 30.0


class DemoError(RuntimeError):
    """The script could not go on: the bot did not offer what a user would have picked."""


class Stage:
    """The Losers Lounge server: its channels, host role and members, acting on the bot."""

    def __init__(self, sb: DiscordSandbox, pace: float) -> None:
        self.sb = sb
        self.pace = pace
        self.guild = sb.add_guild(scenario.SERVER)
        self.channels = {
            name: sb.add_channel(self.guild, name)
            for name in (scenario.CHAT, scenario.INVITES, scenario.RESULTS)
        }
        self.host_role = sb.add_role(self.guild, scenario.HOST_ROLE)
        self.members: dict[str, Member] = {}
        host, co_host = scenario.HOST, scenario.CO_HOST
        self.members[host.username] = sb.add_member(
            self.guild, host.username, permissions=MANAGE_GUILD, nick=host.name
        )
        self.members[co_host.username] = sb.add_member(
            self.guild, co_host.username, roles=[self.host_role], nick=co_host.name
        )
        for person in scenario.GUESTS:
            self.members[person.username] = sb.add_member(self.guild, person.username, nick=person.name)
        sb.set_dm_open(self.members[scenario.DMS_CLOSED], False)
        self.shown_names = {
            member.id: member.nick or member.name for member in self.members.values()
        } | {sb.bot_user_id: BOT_NAME}
        self.problems: list[str] = []
        self.transcript: Transcript | None = None

    @property
    def names(self) -> Names:
        return Names(
            users=self.shown_names,
            roles={self.host_role.id: self.host_role.name},
            channels={channel.id: channel.name for channel in self.channels.values()},
            timezone=scenario.PARTY["timezone"],
        )

    def channel(self, name: str) -> Channel:
        return self.channels[name]

    def member(self, username: str) -> Member:
        return self.members[username]

    def name_of(self, username: str) -> str:
        return self.shown_names[self.members[username].id]

    async def pause(self, beats: float = 1.0) -> None:
        """Waits `beats` of the demo's pace (nothing at all with --fast)."""
        if self.pace > 0 and beats > 0:
            await asyncio.sleep(self.pace * beats)

    def scene(self, words: str) -> None:
        self._record().scene(words)

    def _record(self) -> Transcript:
        assert self.transcript is not None, "the stage has no transcript yet"
        return self.transcript

    async def slash(
        self,
        who: str,
        command: str,
        *,
        where: str = scenario.CHAT,
        shown: dict[str, str] | None = None,
        timeout: float = 10.0,
        **options: Any,
    ) -> InteractionReply:
        """`who` runs `/command` in channel `where`; `shown` names what picked (autocompleted) values show."""
        reply = await self.sb.slash(
            self.member(who), self.channel(where), command, timeout=timeout, options=options
        )
        shown = shown or {}
        typed = " ".join(
            f"{name}: {shown.get(name) or self._option_text(value)}" for name, value in options.items()
        )
        self._tell(who, where, f"/{command}", reply, typed)
        return reply

    async def click(self, who: str, message: Message, label: str, *, what: str) -> InteractionReply:
        """`who` clicks the button labelled `label` on `message` (`what` names the message)."""
        custom_id = _button(message, label)
        reply = await self.sb.click(self.member(who), message, custom_id)
        self._tell(who, self._channel_name(message.channel_id), f"clicked “{label}” on {what}", reply)
        return reply

    async def choose(self, who: str, message: Message, menu: str, option: str) -> InteractionReply:
        """`who` chooses `option` in the select menu whose placeholder is `menu` on `message`."""
        custom_id, value = _option(message, menu, option)
        reply = await self.sb.select(self.member(who), message, custom_id, [value])
        self._tell(who, self._channel_name(message.channel_id), f"picked “{option}” for {menu}", reply)
        return reply

    async def pick(self, who: str, command: str, focused: str, typed: str, want: str, **options: Any) -> str:
        """What autocomplete offers for `typed` in `focused`: the value of the choice named `want`."""
        choices = await self.sb.autocomplete(
            self.member(who),
            self.channel(scenario.CHAT),
            command,
            focused=focused,
            options={**options, focused: typed},
        )
        for choice in choices:
            if choice["name"] == want:
                return str(choice["value"])
        offered = ", ".join(choice["name"] for choice in choices) or "nothing"
        raise DemoError(f"/{command} {focused}: typing “{typed}” offered {offered}, not “{want}”")

    def told(self, message: Message) -> bool:
        """Whether the transcript shows `message` yet."""
        return any(said.text == message.content for entry in self._record().entries for said in entry.said)

    def tell_dm(self, who: str, message: Message) -> None:
        """The bot's DM to `who`, as a post in their DMs."""
        said = Said(
            text=message.content,
            embeds=tuple(message.embeds),
            components=tuple(message.components),
        )
        self._record().add("post", channel=f"DM with {self.name_of(who)}", said=[said])

    def _tell(self, who: str, channel: str, line: str, reply: InteractionReply, options: str = "") -> None:
        messages = [m for m in (reply.message_record, *reply.followup_records) if m is not None]
        said = [
            Said(
                text=m.content,
                embeds=tuple(m.embeds),
                private=m.ephemeral,
                attachments=tuple(a.filename for a in m.attachments),
                components=tuple(m.components),
            )
            for m in messages
        ]
        problem = reply.error
        if problem is not None:
            self.problems.append(f"{self.name_of(who)} {line} {options}: {problem}")
        self._record().add(
            "command",
            channel=channel,
            who=self.name_of(who),
            line=line,
            options=options,
            said=said,
            problem=problem,
        )

    def _channel_name(self, channel_id: int) -> str:
        return next(name for name, channel in self.channels.items() if channel.id == channel_id)

    def _option_text(self, value: Any) -> str:
        if isinstance(value, Member):
            return f"<@{value.id}>"
        if isinstance(value, Channel):
            return f"<#{value.id}>"
        if isinstance(value, Attachment):
            return f"📎 {value.filename}"
        if hasattr(value, "mention"):
            return str(value.mention)
        # What a member typed shows as typed: markdown in it is not markup here.
        return _MARKUP.sub(r"\\\1", str(value))


def _button(message: Message, label: str) -> str:
    for row in message.components:
        for component in row.get("components", []):
            if component.get("label") == label and "custom_id" in component:
                return str(component["custom_id"])
    raise DemoError(f"no “{label}” button on message {message.id}")


def _option(message: Message, menu: str, option: str) -> tuple[str, str]:
    for row in message.components:
        for component in row.get("components", []):
            if component.get("type") == 3 and component.get("placeholder") == menu:
                for choice in component.get("options", []):
                    if choice.get("label") == option:
                        return str(component["custom_id"]), str(choice["value"])
    raise DemoError(f"no “{option}” in a “{menu}” menu on message {message.id}")
