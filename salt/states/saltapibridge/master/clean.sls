{#- saltapibridge.master.clean -- takes the bridge's master.d file and eauth file away again; salt-master and
    salt-api restart without them (the reactors stay in file_roots, unmapped). #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
{%- set master = sab.master %}

saltapibridge-master-conf-clean:
  file.absent:
    - name: {{ (master.conf_dir ~ '/saltapibridge.conf')|json }}

saltapibridge-master-eauth-clean:
  file.absent:
    - name: {{ master.eauth_file|json }}

{%- for service in master.services %}

saltapibridge-master-{{ service }}-clean:
  service.running:
    - name: {{ service|json }}
    - watch:
      - file: saltapibridge-master-conf-clean
      - file: saltapibridge-master-eauth-clean
{%- endfor %}
