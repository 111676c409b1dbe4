/// rabbitmq-c behind AmqpConnection. Every rabbitmq-c result is checked; a
/// failure becomes a QueueError naming the broker (password redacted).
#include "biosense/queue/amqp.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>

#include <sys/time.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "biosense/cli/errors.hpp"

namespace biosense::queue {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr char kAttemptsHeader[] = "x-biosense-attempts";
constexpr char kReasonHeader[] = "x-biosense-reason";
constexpr int kConnectTimeoutSeconds = 10;
/// Longest wait for the broker's answer to a method (declare, qos, close...):
/// a broker that stops answering must not hang a consumer for ever.
constexpr int kRpcTimeoutSeconds = 30;

std::string bytes_text(amqp_bytes_t b) { return std::string(static_cast<const char*>(b.bytes), b.len); }

amqp_bytes_t as_bytes(const std::string& s) {
  amqp_bytes_t b;
  b.len = s.size();
  b.bytes = const_cast<char*>(s.data());  // rabbitmq-c only reads it
  return b;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string percent_encode_vhost(const std::string& vhost) {
  std::string out;
  for (char ch : vhost) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(ch);
    else
      out += fmt::format("%{:02x}", static_cast<unsigned>(c));
  }
  return out;
}

/// A server's close reason from a method frame, if it is one.
std::string close_reason(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_connection_close_t*>(method.decoded);
    return fmt::format("connection closed by the broker: {} {}", m->reply_code, bytes_text(m->reply_text));
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_channel_close_t*>(method.decoded);
    return fmt::format("channel closed by the broker: {} {}", m->reply_code, bytes_text(m->reply_text));
  }
  return fmt::format("unexpected method 0x{:08x}", method.id);
}

std::string reply_text(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION: return close_reason(r.reply);
  }
  return "unknown reply";
}

int header_int(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_I8: return v.value.i8;
    case AMQP_FIELD_KIND_U8: return v.value.u8;
    case AMQP_FIELD_KIND_I16: return v.value.i16;
    case AMQP_FIELD_KIND_U16: return v.value.u16;
    case AMQP_FIELD_KIND_I32: return v.value.i32;
    case AMQP_FIELD_KIND_U32: return static_cast<int>(std::min<std::uint32_t>(v.value.u32, 1000000));
    case AMQP_FIELD_KIND_I64:
      return static_cast<int>(std::max<std::int64_t>(0, std::min<std::int64_t>(v.value.i64, 1000000)));
    case AMQP_FIELD_KIND_U64: return static_cast<int>(std::min<std::uint64_t>(v.value.u64, 1000000));
    default: return 0;
  }
}

MessageHeaders read_headers(const amqp_basic_properties_t& p) {
  MessageHeaders h;
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return h;
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const amqp_table_entry_t& e = p.headers.entries[i];
    const std::string key = bytes_text(e.key);
    if (key == kAttemptsHeader) h.attempts = std::max(0, header_int(e.value));
    if (key == kReasonHeader && (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES))
      h.reason = bytes_text(e.value.value.bytes);
  }
  return h;
}

}  // namespace

std::string AmqpUrl::redacted() const {
  return fmt::format("amqp://{}{}@{}:{}/{}", user, password.empty() ? "" : ":***", host, port,
                     percent_encode_vhost(vhost));
}

AmqpUrl parse_amqp_url(const std::string& url) {
  if (url.rfind("amqps://", 0) == 0) throw UsageError("amqps:// (TLS) URLs are not supported; use amqp://");
  if (url.rfind("amqp://", 0) != 0)
    throw UsageError("the AMQP URL must look like amqp://USER:PASSWORD@HOST[:PORT]/VHOST");
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.host == nullptr || info.host[0] == '\0')
    throw UsageError("malformed AMQP URL (expected amqp://USER:PASSWORD@HOST[:PORT]/VHOST)");
  AmqpUrl parsed;
  parsed.host = info.host;
  parsed.port = info.port;
  parsed.user = info.user != nullptr ? info.user : "";
  parsed.password = info.password != nullptr ? info.password : "";
  parsed.vhost = info.vhost != nullptr ? info.vhost : "/";
  // rabbitmq-c reads "amqp://host" as vhost "/" and "amqp://host/" as "" (invalid): use "/" for both.
  if (parsed.vhost.empty()) parsed.vhost = "/";
  return parsed;
}

std::string resolve_amqp_url(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("BIOSENSE_AMQP_URL");
  if (env != nullptr && env[0] != '\0') return env;
  return kDefaultAmqpUrl;
}

struct AmqpConnection::State {
  amqp_connection_state_t conn = nullptr;
  bool channel_open = false;
  bool broken = false;  ///< a socket or protocol failure was seen: no goodbye handshake
  bool confirms = false;
  std::uint64_t published = 0;  ///< publish sequence number of the last message (confirm mode)
  std::uint64_t confirmed = 0;  ///< highest sequence number the broker confirmed

  /// The error to throw; the connection is not trusted for anything after it.
  QueueError fail(std::string message) {
    broken = true;
    return QueueError(std::move(message));
  }

  ~State() {
    if (conn == nullptr) return;
    if (!broken) {
      if (channel_open) amqp_channel_close(conn, kChannel, AMQP_REPLY_SUCCESS);
      amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(conn);  // closes the socket: the broker requeues unacked deliveries
  }
};

namespace {

/// Throws QueueError (and marks the connection broken) unless `reply` is normal.
template <class State>
void check(State& state, const amqp_rpc_reply_t& reply, const std::string& url, const std::string& what) {
  if (reply.reply_type != AMQP_RESPONSE_NORMAL)
    throw state.fail(fmt::format("RabbitMQ {}: {} failed: {}", url, what, reply_text(reply)));
}

}  // namespace

AmqpConnection::AmqpConnection(const AmqpUrl& url, std::chrono::seconds heartbeat)
    : state_(std::make_unique<State>()), redacted_url_(url.redacted()) {
  state_->conn = amqp_new_connection();
  if (state_->conn == nullptr) throw state_->fail("RabbitMQ: cannot allocate a connection");
  amqp_socket_t* socket = amqp_tcp_socket_new(state_->conn);
  if (socket == nullptr) throw state_->fail("RabbitMQ: cannot create a socket");
  timeval rpc = to_timeval(std::chrono::seconds(kRpcTimeoutSeconds));
  amqp_set_rpc_timeout(state_->conn, &rpc);
  timeval tv = to_timeval(std::chrono::seconds(kConnectTimeoutSeconds));
  const int status = amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &tv);
  if (status != AMQP_STATUS_OK)
    throw state_->fail(fmt::format("RabbitMQ {}: connect failed: {}", redacted_url_, amqp_error_string2(status)));
  check(*state_,
        amqp_login(state_->conn, url.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, static_cast<int>(heartbeat.count()),
                   AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str()),
        redacted_url_, "login");
  amqp_channel_open(state_->conn, kChannel);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, "opening a channel");
  state_->channel_open = true;
}

AmqpConnection::~AmqpConnection() = default;

void AmqpConnection::declare_queue(const std::string& name) {
  amqp_queue_declare(state_->conn, kChannel, as_bytes(name), 0, /*durable=*/1, 0, 0, amqp_empty_table);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, fmt::format("declaring queue {}", name));
}

std::uint32_t AmqpConnection::message_count(const std::string& name) {
  auto* ok = amqp_queue_declare(state_->conn, kChannel, as_bytes(name), /*passive=*/1, 1, 0, 0, amqp_empty_table);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, fmt::format("inspecting queue {}", name));
  return ok->message_count;
}

void AmqpConnection::delete_queue(const std::string& name) {
  amqp_queue_delete(state_->conn, kChannel, as_bytes(name), 0, 0);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, fmt::format("deleting queue {}", name));
}

void AmqpConnection::set_prefetch(std::uint16_t prefetch) {
  amqp_basic_qos(state_->conn, kChannel, 0, prefetch, 0);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, "setting the prefetch count");
}

void AmqpConnection::consume(const std::string& queue) {
  amqp_basic_consume(state_->conn, kChannel, as_bytes(queue), as_bytes(queue), 0, /*no_ack=*/0, 0, amqp_empty_table);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, fmt::format("consuming queue {}", queue));
}

std::optional<Delivery> AmqpConnection::next(std::chrono::milliseconds timeout) {
  amqp_maybe_release_buffers(state_->conn);
  amqp_envelope_t envelope{};
  timeval tv = to_timeval(timeout);
  const amqp_rpc_reply_t reply = amqp_consume_message(state_->conn, &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    Delivery d;
    d.queue = bytes_text(envelope.consumer_tag);
    d.body = bytes_text(envelope.message.body);
    d.delivery_tag = envelope.delivery_tag;
    d.redelivered = envelope.redelivered != 0;
    d.headers = read_headers(envelope.message.properties);
    amqp_destroy_envelope(&envelope);
    return d;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT)
    return std::nullopt;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // A frame other than a delivery: the broker closing the channel or the
    // connection (RabbitMQ stopping), or a stray method we can skip.
    amqp_frame_t frame{};
    timeval zero = to_timeval(std::chrono::milliseconds(0));
    const int status = amqp_simple_wait_frame_noblock(state_->conn, &frame, &zero);
    if (status == AMQP_STATUS_TIMEOUT) return std::nullopt;
    if (status != AMQP_STATUS_OK)
      throw state_->fail(
          fmt::format("RabbitMQ {}: reading a frame failed: {}", redacted_url_, amqp_error_string2(status)));
    if (frame.frame_type == AMQP_FRAME_METHOD && (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
                                                  frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD)) {
      const std::string why = close_reason(frame.payload.method);
      if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_->conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      } else {
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_->conn, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      }
      state_->channel_open = false;
      throw state_->fail(fmt::format("RabbitMQ {}: {}", redacted_url_, why));
    }
    return std::nullopt;  // e.g. a basic.cancel-ok or a content frame of a returned message
  }
  throw state_->fail(fmt::format("RabbitMQ {}: waiting for a message failed: {}", redacted_url_, reply_text(reply)));
}

void AmqpConnection::ack(std::uint64_t delivery_tag) {
  const int status = amqp_basic_ack(state_->conn, kChannel, delivery_tag, 0);
  if (status != AMQP_STATUS_OK)
    throw state_->fail(fmt::format("RabbitMQ {}: ack failed: {}", redacted_url_, amqp_error_string2(status)));
}

void AmqpConnection::enable_confirms() {
  amqp_confirm_select(state_->conn, kChannel);
  check(*state_, amqp_get_rpc_reply(state_->conn), redacted_url_, "enabling publisher confirms");
  state_->confirms = true;
}

void AmqpConnection::publish(const std::string& queue, const std::string& body, const MessageHeaders& headers) {
  amqp_table_entry_t entries[2];
  int n = 0;
  entries[n].key = amqp_cstring_bytes(kAttemptsHeader);
  entries[n].value.kind = AMQP_FIELD_KIND_I32;
  entries[n].value.value.i32 = headers.attempts;
  ++n;
  if (!headers.reason.empty()) {
    entries[n].key = amqp_cstring_bytes(kReasonHeader);
    entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[n].value.value.bytes = as_bytes(headers.reason);
    ++n;
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_HEADERS_FLAG;
  props.delivery_mode = 2;  // persistent
  props.content_type = amqp_cstring_bytes("text/plain");
  props.headers.num_entries = n;
  props.headers.entries = entries;
  const int status = amqp_basic_publish(state_->conn, kChannel, amqp_cstring_bytes(""), as_bytes(queue),
                                        /*mandatory=*/0, 0, &props, as_bytes(body));
  if (status != AMQP_STATUS_OK)
    throw state_->fail(
        fmt::format("RabbitMQ {}: publishing to {} failed: {}", redacted_url_, queue, amqp_error_string2(status)));
  if (state_->confirms) ++state_->published;
}

void AmqpConnection::wait_for_confirms(std::chrono::milliseconds timeout) {
  if (!state_->confirms) throw std::logic_error("wait_for_confirms() without enable_confirms()");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (state_->confirmed < state_->published) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw state_->fail(fmt::format("RabbitMQ {}: {} message(s) not confirmed within {} ms", redacted_url_,
                                     state_->published - state_->confirmed, timeout.count()));
    amqp_frame_t frame{};
    timeval tv = to_timeval(left);
    const int status = amqp_simple_wait_frame_noblock(state_->conn, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (status != AMQP_STATUS_OK)
      throw state_->fail(
          fmt::format("RabbitMQ {}: waiting for confirms failed: {}", redacted_url_, amqp_error_string2(status)));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const amqp_method_t& m = frame.payload.method;
    if (m.id == AMQP_BASIC_ACK_METHOD) {
      const auto* ack = static_cast<const amqp_basic_ack_t*>(m.decoded);
      // RabbitMQ confirms in publish order, so a single ack also covers
      // everything before it as far as this counter is concerned.
      state_->confirmed = std::max(state_->confirmed, ack->delivery_tag);
    } else if (m.id == AMQP_BASIC_NACK_METHOD) {
      throw state_->fail(fmt::format("RabbitMQ {}: the broker refused a published message", redacted_url_));
    } else if (m.id == AMQP_CONNECTION_CLOSE_METHOD || m.id == AMQP_CHANNEL_CLOSE_METHOD) {
      state_->channel_open = false;
      throw state_->fail(fmt::format("RabbitMQ {}: {}", redacted_url_, close_reason(m)));
    }
  }
}

}  // namespace biosense::queue
