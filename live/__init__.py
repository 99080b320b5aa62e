"""Messages the bot writes and keeps: the channel pacer, the outbox delivery, and the live keepers.

`pacer` spaces every channel write; `outbox` delivers what storage decided to post (announcements,
corrections, milestones, the wrap-up, promotions) and keeps blocked posts until their permission is back;
`keeper` is the shared base of the messages kept current (`counter`, `invitations`); `reach` tells one
member something by DM, else by a mention in a channel.
"""
