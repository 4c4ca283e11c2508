{#- salt/netapi/hook/saltapibridge/provision_failed: highstate failed, or the minion never came up.
    The bridge has completed the action (ABANDON by default, so Auto Scaling replaces the instance).
    Default: log a warning (the jid lets you run `salt-run jobs.lookup_jid <jid>`) and notify. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('warning') }}
{{ ev.notify() }}
{%- endif %}
