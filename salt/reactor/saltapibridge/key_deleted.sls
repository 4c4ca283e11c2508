{#- salt/netapi/hook/saltapibridge/key_deleted: the terminated instance's key was deleted.
    Default: membership action forget -- flush the master's cached data for the minion (grains, pillar,
    mine: runner cache.flush of bank minions/<id>) and then update the load-balancer pool, in that
    order, so a pool built from mine data no longer sees it. Also covers groups without a terminating
    lifecycle hook, where no `terminating` event came first. With several masters the event comes
    through one of them and the flush is that master's; every other master drops its own cache of the
    minion when the bridge deletes the key there (salt/key.py Key.delete_key ends in check_minion_cache,
    unless preserve_minion_cache is set). #}
{%- import "reactor/saltapibridge/event.jinja" as ev with context %}
{%- if not ev.active %}
{{ ev.inactive() }}
{%- else %}
{{ ev.log('info') }}
{%- if ev.minion_id %}
{{ ev.membership('forget') }}
{%- else %}
{{ ev.rejected() }}
{%- endif %}
{%- endif %}
