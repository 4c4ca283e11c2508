{#-
  clean -- prepares a terminating instance for its end. Applied by SaltApiBridge with state.sls while the
  instance waits in Terminating:Wait; the bridge completes the lifecycle action with CONTINUE whatever
  the result (cleanup never blocks a scale-in), so a failure here is reported, not fatal.
  Every step is switched by pillar (clean:<step>:enabled); see defaults.yaml.
-#}
{%- from "clean/map.jinja" import clean with context %}
{%- set steps = [] %}

{%- if clean.deregister_monitoring.enabled %}
{%-   for service in clean.deregister_monitoring.services %}
{%-     do steps.append({'service': 'clean-monitoring-agent-' ~ service}) %}
{{ ('clean-monitoring-agent-' ~ service)|json }}:
  service.dead:
    - name: {{ service|json }}
    - enable: False
{%-   endfor %}
{%-   for command in clean.deregister_monitoring.commands %}
{%-     do steps.append({'cmd': 'clean-monitoring-deregister-' ~ command.name}) %}
{{ ('clean-monitoring-deregister-' ~ command.name)|json }}:
  cmd.run:
    - name: {{ command.cmd|json }}
{%-     if command.get('onlyif') %}
    - onlyif: {{ command.onlyif|json }}
{%-     endif %}
{%-   endfor %}
{%- endif %}

{%- if clean.flush_logs.enabled %}
{%-   set log_steps = [] %}
{%-   if clean.flush_logs.journal %}
{%-     do log_steps.append({'cmd': 'clean-flush-journal'}) %}
clean-flush-journal:
  cmd.run:
    - name: journalctl --sync
    - onlyif: command -v journalctl
{%-   endif %}
{%-   if clean.flush_logs.logrotate %}
{%-     do log_steps.append({'cmd': 'clean-logrotate'}) %}
clean-logrotate:
  cmd.run:
    - name: {{ ('logrotate --force ' ~ clean.flush_logs.logrotate_config)|json }}
    - onlyif: command -v logrotate
{%-   endif %}
{%-   do steps.extend(log_steps) %}
{%-   for shipper in clean.flush_logs.shippers %}
{%-     do steps.append({'module': 'clean-flush-shipper-' ~ shipper}) %}
{#- Restart, not stop: a shipper flushes on shutdown, and running again it sends what is left. After the
    journal sync / logrotate so it sees their output. #}
{{ ('clean-flush-shipper-' ~ shipper)|json }}:
  module.run:
    - service.restart:
      - name: {{ shipper|json }}
{%-     if log_steps %}
    - require: {{ log_steps|json }}
{%-     endif %}
{%-   endfor %}
{%- endif %}

{%- if clean.marker.enabled %}
clean-marker:
  file.managed:
    - name: {{ clean.marker.path|json }}
    - makedirs: True
    - mode: '0644'
    - contents: {{ ('cleaned by SaltApiBridge: minion ' ~ grains['id'] ~ ' at ' ~ salt['status.time']('%Y-%m-%dT%H:%M:%S%z'))|json }}
{#-   Written last: its presence means the steps before it ran. #}
{%-   if steps %}
    - require: {{ steps|json }}
{%-   endif %}
{%-   do steps.append({'file': 'clean-marker'}) %}
{%- endif %}

{#- Always present, so the run never renders empty: the bridge judges a run by its state results, and
    zero results would tell it nothing. #}
clean-done:
  test.succeed_without_changes:
    - name: {{ ('clean finished: ' ~ (steps|length) ~ ' step(s)')|json }}
{%- if steps %}
    - require: {{ steps|json }}
{%- endif %}
