{#- saltapibridge.service.running -- the hardened systemd unit, enabled and running; restarted once when the
    program, its configuration, its password or the unit changes (an upgrade: stopped before it by
    package.install, started here). #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
include:
  - saltapibridge.package.install
  - saltapibridge.config.file

{%- if sab.install.method == 'archive' %}

# The tarball brings no unit into systemd's directories: the whole unit, rendered from pillar.
saltapibridge-unit:
  file.managed:
    - name: {{ sab.service.unit_path|json }}
    - source: salt://saltapibridge/files/saltapibridge.service.jinja
    - template: jinja
    - user: root
    - group: root
    - mode: '0644'
{%- else %}

# The package ships the unit (packaging/saltapibridge.service, the same directives as the tarball's); only what
# pillar changes goes into a drop-in, so a package upgrade still brings its unit's changes.
saltapibridge-unit:
  file.managed:
    - name: {{ sab.service.dropin_path|json }}
    - source: salt://saltapibridge/files/saltapibridge.service.d.conf.jinja
    - template: jinja
    - makedirs: True
    - user: root
    - group: root
    - mode: '0644'
    - require:
      - saltapibridge-install
{%- endif %}

# Salt's systemd module runs `systemctl daemon-reload` by itself when it sees the unit file changed.
# saltapibridge-install and the saltapibridge-salt-api-password* states are watched by id alone (no
# module): when their pillar is missing they are failing test states instead, and the service then
# stays untouched. One password (and CA) state per other master, as config/file.sls writes them.
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
