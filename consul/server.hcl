# Consul server agent: one of three (consul-1..3 at 10.0.0.1-3), the layout of
# docs/runbook.md §2. Install as /etc/consul.d/server.hcl (root:consul 0640: it holds the gossip
# key and an ACL token) and run it with systemd/consul.service.
#
# Bootstrap once, after all three servers are up and have elected a leader:
#   consul acl bootstrap            # prints the initial management token; keep it safe
#   export CONSUL_HTTP_TOKEN=<that SecretID>
#   consul acl policy create -name agent-consul-1 -rules 'node "consul-1" { policy = "write" }'
#   consul acl token create -description "agent consul-1" -policy-name agent-consul-1
# then put each agent's token under acl.tokens.agent below (or `consul acl set-agent-token agent
# <token>`). The alertmesh policies and tokens: see consul/acl-policy.hcl.
#
# Validate with `consul validate /etc/consul.d` before a restart.

datacenter = "dc1"
node_name  = "consul-1"
data_dir   = "/var/lib/consul"
log_level  = "INFO"

server           = true
bootstrap_expect = 3

# The address the other agents reach this one on (Serf LAN and server RPC).
bind_addr = "10.0.0.1"
# HTTP API and DNS only on loopback: operators use the CLI on the host or an SSH tunnel.
client_addr = "127.0.0.1"

# Every agent, server or client, joins through the servers; retries until one answers.
retry_join = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]

# Gossip encryption: the same key on every agent (`consul keygen`).
encrypt = "REPLACE-WITH-consul-keygen-OUTPUT="

ui_config {
  enabled = true
}

ports {
  http     = 8500
  https    = -1
  grpc     = -1
  grpc_tls = -1
  dns      = 8600
  server   = 8300
  serf_lan = 8301
  serf_wan = 8302
}

acl {
  enabled                  = true
  default_policy           = "deny"
  # Servers keep serving from cached ACLs for a while when the leader is unreachable.
  down_policy              = "extend-cache"
  enable_token_persistence = true
  tokens {
    agent = "REPLACE-WITH-THIS-AGENTS-TOKEN"
  }
}

performance {
  raft_multiplier = 1
}

# TLS for RPC and HTTPS (recommended once the cluster works): create a CA and certificates with
# `consul tls ca create` and `consul tls cert create -server -dc dc1`, copy them to
# /etc/consul.d/tls/, set ports.https = 8501 above, and uncomment:
# tls {
#   defaults {
#     ca_file         = "/etc/consul.d/tls/consul-agent-ca.pem"
#     cert_file       = "/etc/consul.d/tls/dc1-server-consul-0.pem"
#     key_file        = "/etc/consul.d/tls/dc1-server-consul-0-key.pem"
#     verify_incoming = true
#     verify_outgoing = true
#   }
#   internal_rpc {
#     verify_server_hostname = true
#   }
#   https {
#     verify_incoming = false
#   }
# }
