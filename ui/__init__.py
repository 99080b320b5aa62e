"""What users see: embeds, text and components built from plain data. No storage and no SQL here."""
