// C shim between librabbitmq 0.11 (rabbitmq-c) and the Swift module `AMQP`.
//
// Why a shim at all:
// - `amqp_login_with_properties` is variadic, which Swift cannot call.
// - The method ids (AMQP_BASIC_ACK_METHOD, ...) are cast macros; re-exporting
//   them as typed constants keeps the Swift side independent of how the
//   importer treats such macros.
// - Sending the *-close-ok replies needs a pointer to an empty struct.
#ifndef CAMQP_H
#define CAMQP_H

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

/// Logs in with SASL PLAIN, sending `properties` as extra client properties
/// (librabbitmq merges its own defaults, including their `capabilities`).
amqp_rpc_reply_t camqp_login_plain(amqp_connection_state_t state,
                                   const char *vhost, int channel_max,
                                   int frame_max, int heartbeat,
                                   const amqp_table_t *properties,
                                   const char *user, const char *password);

/// Answers a broker-initiated channel.close (the channel is then gone).
int camqp_send_channel_close_ok(amqp_connection_state_t state,
                                amqp_channel_t channel);

/// Answers a broker-initiated connection.close (the socket may be closed next).
int camqp_send_connection_close_ok(amqp_connection_state_t state);

static const amqp_method_number_t CAMQP_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t CAMQP_CONNECTION_BLOCKED = AMQP_CONNECTION_BLOCKED_METHOD;
static const amqp_method_number_t CAMQP_CONNECTION_UNBLOCKED = AMQP_CONNECTION_UNBLOCKED_METHOD;
static const amqp_method_number_t CAMQP_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t CAMQP_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t CAMQP_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t CAMQP_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t CAMQP_BASIC_GET_OK = AMQP_BASIC_GET_OK_METHOD;
static const amqp_method_number_t CAMQP_BASIC_GET_EMPTY = AMQP_BASIC_GET_EMPTY_METHOD;

static const amqp_flags_t CAMQP_FLAG_CONTENT_TYPE = AMQP_BASIC_CONTENT_TYPE_FLAG;
static const amqp_flags_t CAMQP_FLAG_HEADERS = AMQP_BASIC_HEADERS_FLAG;
static const amqp_flags_t CAMQP_FLAG_DELIVERY_MODE = AMQP_BASIC_DELIVERY_MODE_FLAG;
static const amqp_flags_t CAMQP_FLAG_CORRELATION_ID = AMQP_BASIC_CORRELATION_ID_FLAG;
static const amqp_flags_t CAMQP_FLAG_MESSAGE_ID = AMQP_BASIC_MESSAGE_ID_FLAG;
static const amqp_flags_t CAMQP_FLAG_TIMESTAMP = AMQP_BASIC_TIMESTAMP_FLAG;

static const uint8_t CAMQP_FRAME_METHOD = AMQP_FRAME_METHOD;
static const uint8_t CAMQP_FRAME_HEADER = AMQP_FRAME_HEADER;
static const uint8_t CAMQP_FRAME_BODY = AMQP_FRAME_BODY;
static const int CAMQP_REPLY_SUCCESS = AMQP_REPLY_SUCCESS;

#endif
