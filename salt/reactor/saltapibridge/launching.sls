{#- salt/netapi/hook/saltapibridge/launching: the bridge took a launching instance on (its key is not
    accepted yet). Informational. Add reactions below; event.jinja says what the event carries. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{{ ev.log('info') }}
