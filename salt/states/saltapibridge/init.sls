# saltapibridge -- installs, configures and runs the SaltApiBridge daemon on the Salt master host.
# Each part can be applied alone (state.apply saltapibridge.config); saltapibridge.clean removes it all again, and
# saltapibridge.master sets up the Salt master's side (master.d, the eauth user).
include:
  - saltapibridge.package
  - saltapibridge.config
  - saltapibridge.service
