{#- salt/netapi/hook/saltapibridge/cleaned: the clean state succeeded on the terminating instance.
    Informational. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- endif %}
