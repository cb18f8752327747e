"""The Textual drill UI: picker, briefing, drill and debrief screens over the engine API."""
