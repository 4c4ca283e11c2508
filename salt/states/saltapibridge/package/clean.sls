{#- saltapibridge.package.clean -- removes the daemon the way package.install put it there. The provisioning records
    (/var/lib/saltapibridge) stay: they belong to the data, not to the install. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
{%- set install = sab.install %}
include:
  - saltapibridge.service.clean

{%- if install.method == 'archive' %}

saltapibridge-install-clean:
  file.absent:
    - name: {{ install.dir|json }}
    - require:
      - sls: saltapibridge.service.clean

# The account this formula created for the tarball (a package's own account is the package's business).
saltapibridge-user-clean:
  user.absent:
    - name: {{ sab.user|json }}
    - require:
      - file: saltapibridge-install-clean

saltapibridge-group-clean:
  group.absent:
    - name: {{ sab.group|json }}
    - require:
      - user: saltapibridge-user-clean

{%- else %}

# Removed, not purged: a purge would also delete the provisioning records.
saltapibridge-install-clean:
  pkg.removed:
    - name: {{ install.package_name|json }}
    - require:
      - sls: saltapibridge.service.clean

{%-   if install.method == 'package' %}

saltapibridge-package-file-clean:
  file.absent:
    - name: {{ install.package_file|json }}
{%-   elif install.repo and install.repo.get('name') %}

saltapibridge-repo-clean:
  pkgrepo.absent:
    - name: {{ install.repo.name|json }}
    - require:
      - pkg: saltapibridge-install-clean
{%-   endif %}
{%- endif %}
