"""The big screen: a live web page of a party for the venue's TV or a stream overlay, served by the bot.

`server` binds the aiohttp app in the bot's event loop, `hub` turns the change signal into one snapshot per
burst shared by every open page of a party, `snapshot` reads what the page shows, `page` renders its HTML.
"""
