package com.customerrelay;

import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.DeadLetterWriter;
import com.customerrelay.delivery.DeliveryRunner;
import com.customerrelay.delivery.DeliveryStore;
import com.customerrelay.delivery.Dispatcher;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.intake.FailedFileNotes;
import com.customerrelay.intake.RequestFileReader;
import com.customerrelay.intake.RequestIntake;
import com.customerrelay.vendor.expandable.ExpandableClient;
import com.customerrelay.vendor.expandable.ExpandableProfile;
import com.customerrelay.vendor.expandable.ExpandableSandbox;
import com.customerrelay.vendor.rpm.RpmProfile;
import com.customerrelay.vendor.socialhub.SocialHubProfile;
import com.customerrelay.vendor.soliditech.SoliditechProfile;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wires the relay's beans from its settings and binds them under the names the YAML routes use. */
public final class RelayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RelayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        RelaySettings settings = new RelaySettings(context);
        List<VendorProfile> profiles = List.of(new ExpandableProfile(), new RpmProfile(), new SocialHubProfile(),
                new SoliditechProfile());
        RequestValidator validator = new RequestValidator(profiles);

        DeliveryStore store = DeliveryStore.open(settings);
        context.addService(store);
        DeadLetterWriter deadLetters = new DeadLetterWriter(settings.deadLetterDir());

        Map<String, VendorSettings> vendors = new LinkedHashMap<>();
        Map<String, VendorClient> clients = new LinkedHashMap<>();
        for (VendorProfile profile : profiles) {
            vendors.put(profile.name(), settings.vendor(profile.name()));
        }

        VendorSettings expandable = vendors.get(ExpandableProfile.NAME);
        if (expandable.sandboxed()) {
            ExpandableSandbox sandbox = new ExpandableSandbox(
                    settings.number("relay.sandbox.expandable.token-ttl-seconds", 600) * 1000);
            context.addService(sandbox);
            context.getRegistry().bind("expandableSandbox", sandbox);
            expandable = expandable.withBaseUrl(sandbox.baseUrl());
            vendors.put(ExpandableProfile.NAME, expandable);
            LOG.info("Vendor expandable: SANDBOXED — built-in simulator at {} (set relay.vendors.expandable.base-url "
                    + "to deliver to a real Expandable)", expandable.baseUrl());
        } else {
            LOG.info("Vendor expandable: delivering to {}", expandable.baseUrl());
        }
        clients.put(ExpandableProfile.NAME, new ExpandableClient(expandable));
        for (String vendor : List.of(RpmProfile.NAME, SocialHubProfile.NAME, SoliditechProfile.NAME)) {
            LOG.warn("Vendor {}: no delivery in this version yet; requests for it are validated and then "
                    + "dead-lettered as rejected", vendor);
        }

        DeliveryRunner runner = new DeliveryRunner(store, deadLetters, clients, vendors);
        Dispatcher dispatcher = new Dispatcher(store, vendors, context.createProducerTemplate());
        runner.setDispatcher(dispatcher);

        context.getRegistry().bind("relaySettings", settings);
        context.getRegistry().bind("deliveryStore", store);
        context.getRegistry().bind("deadLetterWriter", deadLetters);
        context.getRegistry().bind("requestValidator", validator);
        context.getRegistry().bind("requestFileReader", new RequestFileReader());
        context.getRegistry().bind("requestIntake", new RequestIntake(validator, store, deadLetters));
        context.getRegistry().bind("failedFileNotes", new FailedFileNotes(settings.inboxDir()));
        context.getRegistry().bind("deliveryRunner", runner);
        context.getRegistry().bind("dispatcher", dispatcher);
    }
}
