{#- saltapibridge.master -- the Salt master's side, applied on the master (salt-call state.apply saltapibridge.master):
    master.d/saltapibridge.conf (salt-api on loopback, the eauth user's rights, the reactor mapping), and the `file`
    eauth file holding the SHA-256 of pillar saltapibridge:salt_api:password (the same password the daemon's
    formula writes for the bridge). The reactors and the orchestration are read from file_roots, where this tree
    already is; salt-master and salt-api restart when either file changes. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
{%- set master = sab.master %}
{%- set password = salt['pillar.get']('saltapibridge:salt_api:password') %}

saltapibridge-master-conf:
  file.managed:
    - name: {{ (master.conf_dir ~ '/saltapibridge.conf')|json }}
    - source: {{ master.conf_source|json }}
    - user: root
    - group: root
    - mode: '0644'

{%- if not password or password is not string %}

saltapibridge-master-eauth:
  test.fail_without_changes:
    - name: set pillar saltapibridge:salt_api:password (the salt-api eauth password, as a string)

{%- else %}

# Only the digest is on disk (^hashtype: sha256 in master.d); show_changes keeps even that out of the output.
saltapibridge-master-eauth:
  file.managed:
    - name: {{ master.eauth_file|json }}
    - contents: {{ ('saltapibridge:' ~ (password|sha256))|json }}
    - show_changes: False
    - user: {{ master.salt_user|json }}
    - group: {{ master.salt_user|json }}
    - mode: '0600'

{%- endif %}

{%- for service in master.services %}

saltapibridge-master-{{ service }}:
  service.running:
    - name: {{ service|json }}
    - watch:
      - file: saltapibridge-master-conf
      - saltapibridge-master-eauth
{%- endfor %}
