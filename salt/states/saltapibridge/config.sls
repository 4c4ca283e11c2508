{#- saltapibridge.config -- /etc/saltapibridge/appsettings.json from pillar, and the salt-api password in
    a file of its own that only the service account can read. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
include:
  - saltapibridge.install

# root owns it, the service group may read (not write) it.
saltapibridge-config-dir:
  file.directory:
    - name: {{ sab.config.dir|json }}
    - user: root
    - group: {{ sab.group|json }}
    - mode: '0750'
    - require:
      - group: saltapibridge-group

# appsettings.json: pillar saltapibridge:settings serialised with |json (files/appsettings.json.jinja);
# contains no secret (SaltApi:PasswordFile names the file below).
saltapibridge-config:
  file.managed:
    - name: {{ sab.config.file|json }}
    - source: salt://saltapibridge/files/appsettings.json.jinja
    - template: jinja
    - user: root
    - group: {{ sab.group|json }}
    - mode: '0640'
    - require:
      - file: saltapibridge-config-dir

{%- if sab.password_in_settings %}

saltapibridge-password-in-settings:
  test.fail_without_changes:
    - name: >-
        pillar saltapibridge:settings:SaltApi:Password is ignored (it would land in appsettings.json);
        put the password in saltapibridge:salt_api:password instead

{%- endif %}

{%- if not salt['pillar.get']('saltapibridge:salt_api:password') %}

saltapibridge-salt-api-password:
  test.fail_without_changes:
    - name: set pillar saltapibridge:salt_api:password (the salt-api eauth password)

{%- else %}

# contents_pillar keeps the secret out of the rendered SLS; show_changes keeps it out of the state
# output. 0400 and owned by the service account: nothing else on the host reads it.
saltapibridge-salt-api-password:
  file.managed:
    - name: {{ sab.config.password_file|json }}
    - contents_pillar: saltapibridge:salt_api:password
    - contents_newline: False
    - show_changes: False
    - user: {{ sab.user|json }}
    - group: {{ sab.group|json }}
    - mode: '0400'
    - require:
      - file: saltapibridge-config-dir
      - user: saltapibridge-user

{%- endif %}
