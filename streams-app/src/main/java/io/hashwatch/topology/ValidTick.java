package io.hashwatch.topology;

import io.hashwatch.model.PriceTick;

/**
 * A tick that passed validation, with the JSON it was read from: the conflation stores those bytes as they are, so
 * keeping a tick costs no serialization (the array is never modified).
 */
record ValidTick(PriceTick tick, byte[] json) {
}
