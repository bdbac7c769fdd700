"""The iFlow wire, area by area: a form read into a service's command, a service's result written as the
vendor's reply objects. The router (the face's adapter) joins them to the services in its endpoint table."""
