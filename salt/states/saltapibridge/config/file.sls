{#- saltapibridge.config.file -- /etc/saltapibridge/appsettings.json from pillar, and the salt-api password in
    a file of its own that only the service account can read. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
include:
  - saltapibridge.package.install

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
        pillar saltapibridge:settings:SaltApi:Password (or SaltApi:Masters:<name>:Password) is ignored (it
        would land in appsettings.json); put the password in saltapibridge:salt_api:password (or
        saltapibridge:salt_api:masters:<name>:password) instead

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

{#- Multi-master: one password file per other master (SaltApi:Masters:<name>:PasswordFile, set by
    map.jinja), written like the one above; and its CA file when the pillar holds one. #}
{%- for master in sab.other_masters %}

{%-   if not master.has_password %}

saltapibridge-salt-api-password-{{ master.name }}:
  test.fail_without_changes:
    - name: {{ ('set pillar ' ~ master.password_pillar ~ ' (the eauth password on master ' ~ master.name ~ ', as a string)')|json }}

{%-   else %}

saltapibridge-salt-api-password-{{ master.name }}:
  file.managed:
    - name: {{ master.password_file|json }}
    - contents_pillar: {{ master.password_pillar|json }}
    - contents_newline: False
    - show_changes: False
    - user: {{ sab.user|json }}
    - group: {{ sab.group|json }}
    - mode: '0400'
    - require:
      - file: saltapibridge-config-dir
      - user: saltapibridge-user

{%-   endif %}

{%-   if master.ca_file %}

# The private CA that signs that master's salt-api certificate (not a secret; the daemon verifies with it).
saltapibridge-salt-api-ca-{{ master.name }}:
  file.managed:
    - name: {{ master.ca_file|json }}
    - contents_pillar: {{ master.ca_pillar|json }}
    - user: root
    - group: {{ sab.group|json }}
    - mode: '0640'
    - require:
      - file: saltapibridge-config-dir

{%-   endif %}
{%- endfor %}

{%- if sab.invalid_master_names %}

saltapibridge-salt-api-master-names:
  test.fail_without_changes:
    - name: {{ ('settings:SaltApi:Masters names that are not master names (letters, digits, . _ -; first a letter or digit; at most 64): ' ~ (sab.invalid_master_names|map('string')|list|json))|json }}

{%- endif %}

{%- if sab.orphan_master_secrets %}

saltapibridge-salt-api-master-secrets:
  test.fail_without_changes:
    - name: {{ ('salt_api:masters has entries for masters that settings:SaltApi:Masters does not name: ' ~ (sab.orphan_master_secrets|json))|json }}

{%- endif %}
