{#- salt/netapi/hook/saltapibridge/provisioned: highstate succeeded and the bridge sent CONTINUE.
    Default: refresh the new minion's mine data, then update the load-balancer pool. Both happen in
    orch.saltapibridge.membership (action join) so the pool update runs only after the mine refresh. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- if ev.minion_id %}
{{ ev.membership('join') }}
{%- else %}
{{ ev.rejected() }}
{%- endif %}
{%- endif %}
