{#- saltapibridge.config.clean -- the configuration and the password files, after the service is stopped. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}
include:
  - saltapibridge.service.clean

saltapibridge-config-clean:
  file.absent:
    - name: {{ sab.config.dir|json }}
    - require:
      - sls: saltapibridge.service.clean
