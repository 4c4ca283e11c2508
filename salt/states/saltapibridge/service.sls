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
# saltapibridge-install and saltapibridge-salt-api-password are watched by id alone (no module): when
# their pillar is missing they are failing test states instead, and the service then stays untouched.
saltapibridge-service:
  service.running:
    - name: {{ sab.service.name|json }}
    - enable: True
    - watch:
      - file: saltapibridge-unit
      - file: saltapibridge-config
      - saltapibridge-salt-api-password
      - saltapibridge-install
    - require:
      - user: saltapibridge-user
