# saltapibridge.package -- the daemon installed (package repository, package file or release tarball).
include:
  - saltapibridge.package.install
