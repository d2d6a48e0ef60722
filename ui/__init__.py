"""The PySide6 shell: thin views and Qt models over the ``facilitator`` core."""
