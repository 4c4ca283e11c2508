# saltapibridge.service -- the systemd unit, enabled and running.
include:
  - saltapibridge.service.running
