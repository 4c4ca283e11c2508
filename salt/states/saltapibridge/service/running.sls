{#- saltapibridge.service -- the hardened systemd unit, enabled and running; restarted when the
    program, its configuration, its password or the unit changes. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
include:
  - saltapibridge.install
  - saltapibridge.config

saltapibridge-unit:
  file.managed:
    - name: {{ sab.service.unit_path|json }}
    - source: salt://saltapibridge/files/saltapibridge.service.jinja
    - template: jinja
    - user: root
    - group: root
    - mode: '0644'

# Salt's systemd module runs `systemctl daemon-reload` by itself when it sees the unit file changed.
# saltapibridge-install and the saltapibridge-salt-api-password* states are watched by id alone (no
# module): when their pillar is missing they are failing test states instead, and the service then
# stays untouched. One password (and CA) state per other master, as config.sls writes them.
saltapibridge-service:
  service.running:
    - name: {{ sab.service.name|json }}
    - enable: True
    - watch:
      - file: saltapibridge-unit
      - file: saltapibridge-config
      - saltapibridge-salt-api-password
      - saltapibridge-install
{%- for master in sab.other_masters %}
      - saltapibridge-salt-api-password-{{ master.name }}
{%-   if master.ca_file %}
      - file: saltapibridge-salt-api-ca-{{ master.name }}
{%-   endif %}
{%- endfor %}
    - require:
      - user: saltapibridge-user
