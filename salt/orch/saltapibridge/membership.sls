{#-
  orch.saltapibridge.membership -- an instance joins or leaves the fleet.

  Called by the reactors in reactor/saltapibridge with pillar:
    saltapibridge_event:
      action:      join    (provisioned: refresh its mine data, then update the pool)
                   leave   (terminating: update the pool; the minion is still alive)
                   forget  (key_deleted: flush the master's cached data for it, then update the pool)
      step:        the bridge event that triggered it
      minion_id:   exact minion id (validated by the reactor; validated again here)
      instance_id: EC2 instance id or ''
      group:       Auto Scaling group name or ''

  The load-balancer step is configured in master.d (saltapibridge_reactor:pool): the state `sls` is
  applied to `tgt` with the same saltapibridge_event in pillar, so it can add/remove
  pillar['saltapibridge_event']['minion_id']. On leave/forget, use that id rather than only the mine:
  the mine may still hold the departing minion's data.

  Several masters: it runs on the one master the bridge fired the event through (once per event).
  mine.update still reaches every master the minion is connected to (the minion's MinionManager hands
  its local _minion_mine event to each master connection, salt/minion.py); cache.flush is this master's
  cache only (the others drop theirs when the bridge deletes the key there); the pool state reaches the
  load balancers connected to THIS master, which with master_type: failover load balancers may be none.
  Running it twice for one event would apply the pool state twice, the second run possibly refused
  while the first still runs on a load balancer.

  Runs on the master inside a reactor worker thread: keep the pool state short.
  Try it by hand:
    salt-run state.orchestrate orch.saltapibridge.membership \
      pillar='{"saltapibridge_event": {"action": "join", "minion_id": "my-asg-i-0123456789abcdef0"}}'
-#}
{%- from "reactor/saltapibridge/ids.jinja" import minion_id_pattern %}
{%- set event = salt['pillar.get']('saltapibridge_event', {}) %}
{%- set event = event if event is mapping else {} %}
{%- set minion_id = event.get('minion_id') if event.get('minion_id') is string else '' %}
{%- set action = event.get('action') %}
{%- set pool = salt['config.get']('saltapibridge_reactor:pool', {}) or {} %}
{#- Only these fields go on to the pool state, each as validated by the reactor. #}
{%- set clean_event = {
      'action': action,
      'step': event.get('step') if event.get('step') is string else '',
      'minion_id': minion_id,
      'instance_id': event.get('instance_id') if event.get('instance_id') is string else '',
      'group': event.get('group') if event.get('group') is string else '',
    } %}
{%- set valid = minion_id == minion_id|trim and minion_id|regex_match(minion_id_pattern) is not none
      and action in ['join', 'leave', 'forget'] %}

{%- if not valid %}

saltapibridge_membership_invalid:
  test.fail_without_changes:
    - name: {{ ('refusing saltapibridge_event ' ~ (event|json))|json }}

{%- else %}
{%-   set first = none %}

{%-   if action == 'join' %}
{%-     set first = {'salt': 'saltapibridge_mine_update'} %}
# The new minion publishes its mine data now instead of at the next mine_interval.
saltapibridge_mine_update:
  salt.function:
    - name: mine.update
    - tgt: {{ [minion_id]|json }}
    - tgt_type: list

{%-   elif action == 'forget' %}
{%-     set first = {'salt': 'saltapibridge_flush_cache'} %}
# The key is gone, but the master still caches the minion's grains, pillar and mine data under the
# cache bank minions/<id> (the id passed validation, so the bank cannot point outside that tree).
saltapibridge_flush_cache:
  salt.runner:
    - name: cache.flush
    - bank: {{ ('minions/' ~ minion_id)|json }}

{%-   endif %}

{%-   if pool.get('tgt') and pool.get('sls') %}
# Update the load-balancer pool: apply the configured state to the load balancers.
saltapibridge_pool_update:
  salt.state:
    - tgt: {{ pool.tgt|json }}
    - tgt_type: {{ (pool.get('tgt_type') or 'compound')|json }}
    - sls: {{ pool.sls|json }}
    - pillar:
        saltapibridge_event: {{ clean_event|json }}
{%-     if first %}
    - require:
      - {{ first|json }}
{%-     endif %}
{%-   else %}
saltapibridge_pool_update:
  test.succeed_without_changes:
    - name: no load-balancer pool configured (saltapibridge_reactor:pool in master.d)
{%-     if first %}
    - require:
      - {{ first|json }}
{%-     endif %}
{%-   endif %}
{%- endif %}
