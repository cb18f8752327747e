"""The drill room: one hub owns the drill, several seats (terminals, browsers, scripts) join it."""
