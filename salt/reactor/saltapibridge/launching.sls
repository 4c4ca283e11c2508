{#- salt/netapi/hook/saltapibridge/launching: the bridge took a launching instance on (its key is not
    accepted yet). Informational. Add reactions after the log line (inside the active branch);
    event.jinja says what the event carries. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- endif %}
