package io.hashwatch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.source.price.PriceCsvSource;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopicSchemas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the file replays publish on the input topics, from the real data, conforms to the topics' JSON Schemas
 * (docs/schemas/headers.schema.json, prices.schema.json): header files, block files (with coinbases) and price CSVs.
 */
class InputSchemasTest {
    private final TopicSchemas schemas = TopicSchemas.ofRepository();

    @Test
    void headerAndBlockFileRecordsMatchTheHeadersSchema() {
        List<String> lines = new ArrayList<>();
        HeaderFileSource headers = new HeaderFileSource(SharedData.requireHeaders("mainnet_0-10236.floresta.bin"), 0,
                "mainnet");
        headers.forEach(r -> lines.add(json(r)));
        new BlockFileSource(SharedData.require("data/blocks/raw/mainnet_840002-840007.blocks.gz"), null, "mainnet")
                .forEach(r -> lines.add(json(r)));
        assertEquals(10_237 + 6, schemas.assertExportValid(Topics.HEADERS.name(), lines));
    }

    @Test
    void priceCsvTicksMatchThePricesSchema() {
        List<String> lines = new ArrayList<>();
        for (String file : List.of("data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv",
                "data/prices/btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv")) {
            for (PriceTick t : PriceCsvSource.read(SharedData.require(file))) {
                lines.add(json(t));
            }
        }
        assertEquals(lines.size(), schemas.assertExportValid(Topics.PRICES.name(), lines));
    }

    private static String json(Object record) {
        return new String(Json.write(record), java.nio.charset.StandardCharsets.UTF_8);
    }
}
