# saltapibridge -- installs, configures and runs the SaltApiBridge daemon on the Salt master host.
# Each part can be applied alone (state.apply saltapibridge.config); service.sls pulls in the others.
include:
  - saltapibridge.install
  - saltapibridge.config
  - saltapibridge.service
