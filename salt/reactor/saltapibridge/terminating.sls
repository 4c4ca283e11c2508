{#- salt/netapi/hook/saltapibridge/terminating: scale-in started; the bridge runs the clean state next.
    Default: take the minion out of the load-balancer pool first (membership action leave), so traffic
    drains while the instance is cleaned. The minion and its mine data still exist at this point. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- if ev.minion_id %}
{{ ev.membership('leave') }}
{%- else %}
{{ ev.rejected() }}
{%- endif %}
{%- endif %}
