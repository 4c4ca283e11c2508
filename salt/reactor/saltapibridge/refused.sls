{#- salt/netapi/hook/saltapibridge/refused: the bridge refused to act -- a rejected/denied key (an
    operator's decision it will not override), a group outside Bridge:Groups, or an invalid message.
    Default: log a warning and notify. The minion id may be missing or invalid here; nothing targets it. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('warning') }}
{{ ev.notify() }}
{%- endif %}
