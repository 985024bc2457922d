"""zonedesk (开发区调度台): the platform a development zone's management committee runs its work on."""
