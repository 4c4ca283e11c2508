{#- saltapibridge.install -- the service account and the published daemon in /opt/saltapibridge. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}

# A system account of its own: the daemon needs no shell, no home and no group shared with salt.
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

{%- if not (sab.install.source and sab.install.source_hash) %}

saltapibridge-install:
  test.fail_without_changes:
    - name: set pillar saltapibridge:install:source and saltapibridge:install:source_hash

{%- else %}

# The published executable (Native AOT: the runtime is inside; it needs a glibc as new as the build
# machine's, and libssl). Owned by root so
# the service account cannot modify its own code; re-extracted when source_hash changes.
saltapibridge-install:
  archive.extracted:
    - name: {{ sab.install.dir|json }}
    - source: {{ sab.install.source|json }}
    - source_hash: {{ sab.install.source_hash|json }}
    - source_hash_update: True
    - enforce_toplevel: False
    - user: root
    - group: root
    - trim_output: True

{%- endif %}
