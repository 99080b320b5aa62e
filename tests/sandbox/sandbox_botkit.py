"""A minimal real discord.py bot used to exercise the sandbox exactly as Discord would drive a bot."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

CATEGORIES = ["Drama", "Comedy", "Limited Series", "Documentary"]
NOMINEES = {"Drama": ["jane", "james", "joan"], "Comedy": ["carl", "cora"]}


class RsvpView(discord.ui.View):
    """A persistent view: its button keeps working across restarts."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Going", style=discord.ButtonStyle.green, custom_id="rsvp:going")
    async def going(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        bot: SandboxTestBot = interaction.client  # type: ignore[assignment]
        bot.going.add(interaction.user.id)
        await interaction.response.edit_message(content=f"{len(bot.going)} going")

    @discord.ui.button(label="Details", style=discord.ButtonStyle.grey, custom_id="rsvp:details")
    async def details(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"details for {interaction.user.name}", ephemeral=True)


class PickView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="pick",
        min_values=1,
        max_values=2,
        options=[discord.SelectOption(label=c, value=c.lower()) for c in CATEGORIES],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message("picked " + ",".join(select.values), ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Your feedback", custom_id="feedback:text")
    mood = discord.ui.Label(
        text="Mood", component=discord.ui.TextInput(custom_id="feedback:mood", required=False)
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mood = self.mood.component.value  # type: ignore[union-attr]
        await interaction.response.send_message(
            f"thanks: {self.text.value} ({mood or 'no mood'})", ephemeral=True
        )


party = app_commands.Group(name="party", description="Party commands")
result = app_commands.Group(name="result", description="Results")


@party.command(name="create", description="Open a party")
async def party_create(
    interaction: discord.Interaction,
    name: str,
    capacity: int | None = None,
    host: discord.Member | None = None,
    file: discord.Attachment | None = None,
    announce_channel: discord.TextChannel | None = None,
) -> None:
    parts = [f"created {name}"]
    if capacity is not None:
        parts.append(f"capacity {capacity}")
    if host is not None:
        parts.append(f"host {host.name} manage_guild={host.guild_permissions.manage_guild}")
    if file is not None:
        data = await file.read()
        parts.append(f"file {file.filename} {data.decode()}")
    if announce_channel is not None:
        parts.append(f"announce #{announce_channel.name}")
    await interaction.response.send_message("; ".join(parts), ephemeral=True)


@party.command(name="show", description="Show the party (deferred)")
async def party_show(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await asyncio.sleep(0.2)
    await interaction.followup.send("the party card")
    await interaction.followup.send("a second message")


@party.command(name="export", description="Export as a file (ephemeral deferral)")
async def party_export(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.followup.send(
        "your export", file=discord.File(io.BytesIO(b"name\namy\n"), "guests.csv")
    )


@party.command(name="card", description="Reply with a file directly")
async def party_card(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("card", file=discord.File(io.BytesIO(b"PNG"), "card.png"))


@party.command(name="late", description="Answers too late")
async def party_late(interaction: discord.Interaction) -> None:
    bot: SandboxTestBot = interaction.client  # type: ignore[assignment]
    await asyncio.sleep(3.2)
    try:
        await interaction.response.send_message("too late")
    except discord.HTTPException as exc:
        bot.errors.append(exc.code)


@party.command(name="invite", description="Post the invitation")
async def party_invite(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("0 going", view=RsvpView())


@party.command(name="pick", description="Pick categories")
async def party_pick(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pick some", view=PickView())


@party.command(name="feedback", description="Leave feedback")
async def party_feedback(interaction: discord.Interaction) -> None:
    await interaction.response.send_modal(FeedbackModal())


@result.command(name="announce", description="Announce a winner")
async def result_announce(interaction: discord.Interaction, category: str, winner: str) -> None:
    await interaction.response.send_message(f"{winner} won {category}")


@result_announce.autocomplete("category")
async def category_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=c, value=c) for c in CATEGORIES if current.lower() in c.lower()]


@result_announce.autocomplete("winner")
async def winner_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    category = interaction.namespace.category
    if category == "Many":  # more choices than Discord accepts
        return [app_commands.Choice(name=f"n{i}", value=f"n{i}") for i in range(30)]
    names = NOMINEES.get(category, [])
    return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]


@app_commands.command(name="ping", description="Ping")
async def ping(interaction: discord.Interaction) -> None:
    bot: SandboxTestBot = interaction.client  # type: ignore[assignment]
    bot.pings += 1
    await interaction.response.send_message("pong", ephemeral=True)


class SandboxTestBot(commands.AutoShardedBot):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix=commands.when_mentioned, intents=intents)
        self.going: set[int] = set()
        self.errors: list[int] = []
        self.pings = 0

    async def setup_hook(self) -> None:
        self.add_view(RsvpView())
        self.add_view(PickView())
        for command in (party, result, ping):
            self.tree.add_command(command)
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s before a re-IDENTIFY to respect Discord's limit; nothing to respect locally.
        return None
