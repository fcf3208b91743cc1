"""Rich renderables for terminal output. User and pack text always enters as Text, never as markup."""
