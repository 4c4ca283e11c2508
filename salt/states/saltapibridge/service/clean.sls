{#- saltapibridge.service.clean -- stopped (it drains first) and disabled; the unit or drop-in this formula wrote,
    removed. #}
{%- from "saltapibridge/map.jinja" import saltapibridge as sab with context %}

saltapibridge-service-clean:
  service.dead:
    - name: {{ sab.service.name|json }}
    - enable: False

saltapibridge-unit-clean:
  file.absent:
    - name: {{ (sab.service.unit_path if sab.install.method == 'archive' else sab.service.dropin_dir)|json }}
    - require:
      - service: saltapibridge-service-clean

# systemd forgets the removed unit (or drop-in).
saltapibridge-daemon-reload:
  cmd.run:
    - name: systemctl daemon-reload
    - onchanges:
      - file: saltapibridge-unit-clean
