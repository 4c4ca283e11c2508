{#- saltapibridge.package.install -- the service account and the daemon, from one of (pillar install:method):
      repo     the `saltapibridge` package from a package repository (install:repo configures one; install:version
               pins a version), signed by the repository;
      package  a .deb or .rpm downloaded from install:source and checked against install:source_hash;
      archive  a release tarball from install:source, checked against install:source_hash, into install:dir.
    Every download needs its checksum. An upgrade stops the service first, so the package's own restart does not
    happen and service.running starts the new executable: one restart. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
{%- set install = sab.install %}

# A system account of its own: the daemon needs no shell, no home and no group shared with salt. The packages
# create the same account; creating it here first is harmless.
saltapibridge-group:
  group.present:
    - name: {{ sab.group|json }}
    - system: True

saltapibridge-user:
  user.present:
    - name: {{ sab.user|json }}
    - gid: {{ sab.group|json }}
    - system: True
    - home: /nonexistent
    - createhome: False
    - shell: {{ sab.nologin|json }}
    - require:
      - group: saltapibridge-group

{%- if install.problem %}

saltapibridge-install:
  test.fail_without_changes:
    - name: {{ install.problem|json }}

{%- else %}

# Stopped only when the install below is about to change something (an upgrade): drains, then stays down until
# saltapibridge-service starts the new executable.
saltapibridge-stop-for-upgrade:
  service.dead:
    - name: {{ sab.service.name|json }}
    - prereq:
      - saltapibridge-install

{%-   if install.method == 'archive' %}

# Owned by root so the service account cannot modify its own code; replaced whole when source_hash changes (the
# tarball's top directory, saltapibridge-<version>-linux-x64[-compat]/, is stripped).
saltapibridge-install:
  archive.extracted:
    - name: {{ install.dir|json }}
    - source: {{ install.source|json }}
    - source_hash: {{ install.source_hash|json }}
    - source_hash_update: True
    - options: --strip-components=1
    - enforce_toplevel: False
    - clean: True
    - user: root
    - group: root
    - trim_output: True
    - require:
      - user: saltapibridge-user

{%-   elif install.method == 'package' %}

# The package file, kept in the minion's cache only once its checksum matched.
saltapibridge-package-file:
  file.managed:
    - name: {{ install.package_file|json }}
    - source: {{ install.source|json }}
    - source_hash: {{ install.source_hash|json }}
    - makedirs: True
    - mode: '0644'

saltapibridge-install:
  pkg.installed:
    - sources:
      - {{ install.package_name }}: {{ install.package_file|json }}
    - require:
      - file: saltapibridge-package-file
      - user: saltapibridge-user

{%-   else %}
{%-     if install.repo %}

# The repository, as pkgrepo.managed takes it (apt: name + signed-by key; yum/dnf: baseurl + gpgkey).
saltapibridge-repo:
  pkgrepo.managed:
{%-       for key, value in install.repo|dictsort %}
    - {{ key }}: {{ value|json }}
{%-       endfor %}
    - require_in:
      - pkg: saltapibridge-install
{%-     endif %}

saltapibridge-install:
  pkg.installed:
    - name: {{ install.package_name|json }}
{%-     if install.version %}
    - version: {{ install.version|string|json }}
{%-     endif %}
    - refresh: True
    - require:
      - user: saltapibridge-user

{%-   endif %}
{%- endif %}
