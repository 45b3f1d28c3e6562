"""The extension point (Overlay) and the OpenTelemetry overlay."""
