# saltapibridge.clean -- removes what this formula installed, in reverse: the service (stopped, disabled, its unit),
# the configuration and password files, then the package or the tarball's files. The provisioning records in
# /var/lib/saltapibridge stay (delete them by hand if the bridge is gone for good). Not to be confused with the
# `clean` state, which the bridge applies to a terminating minion.
include:
  - saltapibridge.service.clean
  - saltapibridge.config.clean
  - saltapibridge.package.clean
