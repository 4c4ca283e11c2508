{#- salt/netapi/hook/saltapibridge/clean_failed: the clean state failed; the bridge still sent CONTINUE
    (a scale-in is never blocked on cleanup). Default: log a warning and notify, since whatever `clean`
    should have done (monitoring deregistration, log flush) may need doing by hand. #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('warning') }}
{{ ev.notify() }}
{%- endif %}
