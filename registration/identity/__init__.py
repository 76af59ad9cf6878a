"""Identity confirmation: one module per method behind one small interface (``base.Method``), a registry
(``registry``) and the flows that cabinet views and the clerks' admin both call (``flows``)."""
