"""Speech-to-text: ffmpeg normalization and chunking (``audio``) and ``service.transcribe_file``."""
