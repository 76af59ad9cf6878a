"""Contact confirmation: one-time codes sent by SMS or e-mail, and the backends that send SMS."""
