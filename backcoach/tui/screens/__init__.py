"""The app's screens: home (patients), one patient, a consultation, and its summary."""
