# saltapibridge.config -- appsettings.json and the salt-api password file(s).
include:
  - saltapibridge.config.file
