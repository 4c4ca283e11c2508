{#- salt/netapi/hook/saltapibridge/key_accepted: the minion's pending key was accepted; the bridge now
    waits for the minion to reconnect and runs the highstate itself. Informational: do not start
    states from here, the bridge's highstate would race them. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- endif %}
