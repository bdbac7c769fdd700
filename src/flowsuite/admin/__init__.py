"""The admin web console: where people sign in, manage their company's keys and look at its data."""
